"""Working days and the holiday calendar."""
