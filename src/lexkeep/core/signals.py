"""Signal receivers: only audit logging of auth events, no business logic."""
