//! Replay of a prompt set across models (DESIGN §8). Not yet implemented.
