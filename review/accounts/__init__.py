"""Local accounts for people outside the administration: invitations, two-factor login."""
