"""Education for children, parents and schools: check a chat (nothing stored), learning pages
with quizzes and printable guides, and anonymous class quizzes for schools (MOE)."""
