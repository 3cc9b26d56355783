"""Domain rules: plain functions and small classes over the store. No Textual here."""
