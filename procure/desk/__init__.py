"""A signed-in user's desk across every stage: what waits for them (waiting) and which audit entries they may
read (visibility). It reads every stage and no stage reads it; the pages and the API do."""
