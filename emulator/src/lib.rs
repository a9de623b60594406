//! Panther API emulator (being written).
