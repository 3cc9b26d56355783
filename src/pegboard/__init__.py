"""pegboard: a keyboard-driven referral CRM for solo business owners."""

__version__ = "0.1.0"
