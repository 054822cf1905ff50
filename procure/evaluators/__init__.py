"""Third-party evaluation firms (第三方评估机构): their register, conflict checks and the recorded random draw."""
