"""The public portal: what anyone may read without logging in, and the objections residents file."""
