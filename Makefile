# Thin wrappers: `bash scripts/run.sh` / `bash scripts/test.sh` are equivalent
# (and work where `make` is not installed).
.PHONY: run test test-fast setup lock clean

# Extra pytest arguments: make test ARGS="-k workdays -x"
ARGS ?=

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh $(ARGS)

# The everyday run while working: SQLite only, without the browser and the served demo (a few minutes).
test-fast:
	bash scripts/test.sh --fast $(ARGS)

setup:
	bash scripts/setup.sh test

# Regenerate requirements.txt and requirements-dev.txt (hashed locks) from the .in files;
# make lock ARGS=--upgrade moves the unpinned packages to their newest releases.
lock:
	bash scripts/lock.sh $(ARGS)

clean:
	rm -f .venv/.stamp-run .venv/.stamp-test .venv-runtime/.stamp-run
	rm -f instance/*.db
