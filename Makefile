# Two commands for a new machine:  make demo  and  make test
VENV ?= .venv
PYTHON ?= python3
RCA = $(VENV)/bin/rca
DEMO_DB = out/demo.sqlite

.PHONY: demo test install clean

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	# torch first and pinned: its CPU build; an unpinned torch pulls a multi-GB CUDA build.
	$(VENV)/bin/pip install --quiet torch==2.13.0
	$(VENV)/bin/pip install --quiet -e '.[test,semantic]'
	# Export the packaged MiniLM to ONNX (int8) once, into the user's data folder: runs then load it in a second.
	$(VENV)/bin/python -c "from rca.clustering.semantic import load_encoder; load_encoder()"
	touch $@

install: $(VENV)/.installed

## demo: import the sample exports, cluster them, scan the sample site, write the reports (database: out/demo.sqlite)
demo: $(VENV)/.installed
	mkdir -p out
	$(RCA) --db $(DEMO_DB) import sample_data/zendesk_export.csv sample_data/jira_export.csv sample_data/freshdesk_export.json
	$(RCA) --db $(DEMO_DB) import sample_data/zendesk_tickets.json \
	    --map custom_fields.360011112222=product --map custom_fields.360011113333=page_url
	$(RCA) --db $(DEMO_DB) cluster
	# our own pages: typos, facts that differ between pages, broken links; linked to the causes above
	$(RCA) --db $(DEMO_DB) scan sample_data/site
	$(RCA) --db $(DEMO_DB) report --kind team --out out/team-report.pdf
	@echo "Explore the demo database: $(RCA) --db $(DEMO_DB) causes list"
	@echo "Executive report:"
	@$(RCA) --db $(DEMO_DB) report --out out/executive-report.pdf

## test: the whole suite, on SQLite and on a throwaway PostgreSQL server
test: $(VENV)/.installed
	bash scripts/run-tests.sh

clean:
	rm -rf out .pytest_cache
