"""School and Flow Stage dashboards: composing pages that read partnerships, courses, exams and badges."""
