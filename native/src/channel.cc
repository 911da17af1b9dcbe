// Channel core (pure C++, no N-API): filled in by the chat work.
