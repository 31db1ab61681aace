# The whole set-up on a fresh clone: only Python 3.11+ and make are needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: site test check serve import clean browser-deps screenshots messages

# One definition of strictness: what CI rejects (.github/workflows/publish.yml
# runs `make check` and `make site`), `make site` rejects the same way, so a
# warning never passes on the editor's machine and then fails the publish.
STRICT := --strict

site: $(STAMP)
	$(BIN)/briefsite build $(STRICT)

test: $(STAMP)
	$(BIN)/python -m pytest

check: $(STAMP)
	$(BIN)/briefsite check $(STRICT)

# Preview while editing, drafts included, opened in the browser: http://127.0.0.1:8000/
serve: $(STAMP)
	$(BIN)/briefsite serve --open

# make import FILE=收到的简报.txt [CITY=益阳市]
import: $(STAMP)
	@test -n "$(FILE)" || { echo "用法：make import FILE=收到的简报.txt（可加 CITY=益阳市）" >&2; exit 2; }
	$(BIN)/briefsite import "$(FILE)" $(if $(CITY),--city "$(CITY)")

# Messages: after writing or changing a _("...") in src/briefsite, extract them
# all, merge them into the Chinese catalogue (then translate the new empty
# msgstr entries in the .po) and compile the .mo that ships beside it.
# tests/test_i18n.py fails on an untranslated message or a stale .mo.
LOCALE := src/briefsite/locale
messages: $(STAMP)
	$(BIN)/pybabel --quiet extract -F pyproject.toml --project briefsite --version 0 \
		--no-wrap --sort-by-file -o $(LOCALE)/briefsite.pot src/briefsite templates
	$(BIN)/pybabel --quiet update -i $(LOCALE)/briefsite.pot -d $(LOCALE) -D briefsite -l zh_CN \
		--no-wrap --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date
	$(BIN)/pybabel --quiet compile -d $(LOCALE) -D briefsite -l zh_CN --statistics
	rm -f $(LOCALE)/briefsite.pot

# What the browser tests (tests/browser) need beyond Python: axe-core, exactly
# as locked in tests/browser/package-lock.json. Chromium itself comes from
# Debian (apt-get install chromium fonts-noto-cjk); .ci/run installs both.
browser-deps:
	npm ci --prefix tests/browser --no-audit --no-fund

# The README's pictures of a bulletin and of the search page.
screenshots: $(STAMP)
	$(BIN)/python tests/browser/screenshots.py docs/screenshots

# Pinned dependencies first (requirements.lock), then the project itself
# without resolving anything again, so two fresh clones get the same versions.
$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "briefsite needs Python 3.11 or newer (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

clean:
	rm -rf $(VENV) site .briefsite-cache .pytest_cache test-artifacts tests/browser/node_modules
