"""What people outside the office see: the Beirat's shared cases, the clerks' statements."""
