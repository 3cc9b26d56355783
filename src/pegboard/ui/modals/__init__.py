"""Modal forms: they return data with dismiss(); the screen that opened them saves it."""
