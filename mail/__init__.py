"""Email in and out (CONTRACT §12): ingesting customer mail, and the templates of mail out."""
