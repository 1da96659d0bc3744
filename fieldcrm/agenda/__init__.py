"""A rep's agenda as plain data: local times across clock changes, clashes between
appointments (overlap, driving time), and the iCalendar text of a calendar feed."""
