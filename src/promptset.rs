//! Prompt sets (DESIGN §8): TOML, JSONL or plain text. Not yet implemented.
