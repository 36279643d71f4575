"""Views of the agents' pages: parse, check access, call one service, render."""
