# Thin wrappers: `bash scripts/run.sh` / `bash scripts/test.sh` are equivalent
# (and work where `make` is not installed).
.PHONY: run test setup clean

# Extra pytest arguments: make test ARGS="-k workdays -x"
ARGS ?=

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh $(ARGS)

setup:
	bash scripts/setup.sh test

clean:
	rm -f .venv/.stamp-run .venv/.stamp-test
	rm -f instance/*.db
