"""Strategic scoring: the rule format, pure evaluation, RFM, priority index, reminders."""
