# Thin wrappers: `bash scripts/run.sh` / `bash scripts/test.sh` are equivalent
# (and work where `make` is not installed).
.PHONY: run test setup lock clean

# Extra pytest arguments: make test ARGS="-k workdays -x"
ARGS ?=

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh $(ARGS)

setup:
	bash scripts/setup.sh test

# Regenerate requirements.txt and requirements-dev.txt (hashed locks) from the .in files;
# make lock ARGS=--upgrade moves the unpinned packages to their newest releases.
lock:
	bash scripts/lock.sh $(ARGS)

clean:
	rm -f .venv/.stamp-run .venv/.stamp-test
	rm -f instance/*.db
