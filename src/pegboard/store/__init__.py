"""Storage: peewee models, opening the database, schema version and migrations."""
