"""Documents the service duties need: the client service report and the fee
statement (SPEC §2.2), described once and rendered as PDF and as Excel."""
