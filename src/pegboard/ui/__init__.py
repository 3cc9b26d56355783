"""The Textual user interface: screens, widgets, modal forms and their styles."""
