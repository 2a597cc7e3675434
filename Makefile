# ModelOperator: two commands on a fresh machine, `make run` and `make test`.
# Every target that needs something (NuGet packages, which include ONNX Runtime's native
# library, and Debian packages) sets it up itself, and is safe to run again.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

DOTNET       ?= dotnet
CONFIG       ?= Release
SLN          := ModelOperator.sln
SERVER_PROJ  := runtime/ModelOperator.Runtime.Server/ModelOperator.Runtime.Server.csproj
APISERVER_PROJ := sandbox/ModelOperator.ApiServer/ModelOperator.ApiServer.csproj
BENCH_PROJ   := bench/ModelOperator.Benchmarks/ModelOperator.Benchmarks.csproj
E2E_PROJ     := tests/ModelOperator.EndToEnd.Tests/ModelOperator.EndToEnd.Tests.csproj
LOCAL        := .local
STAMP        := $(LOCAL)/stamps

export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

.PHONY: help setup debs restore build test run sandbox sandbox-build soak serve server-build bench apiserver operator plugin models profiles crds clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

debs: ## Install the Debian packages the tests need (promtool, python3-onnx)
	@scripts/ensure-debian-packages.sh

restore:
	$(DOTNET) restore $(SLN) -v q

setup: debs restore

build: restore ## Build everything
	$(DOTNET) build $(SLN) -c $(CONFIG) --no-restore -v q -nologo

# The end-to-end suite (sandboxes of real processes, minutes of rollouts) is the critical path of make test: it starts
# first, in the background, while the other test projects run one at a time beside it, so that two things share the
# 2 cores as before, only without the end-to-end suite waiting for the rest.
# Quiet build output, but a failed test still prints its message and stack trace (with -v q alone it prints only its name).
TEST_LOGGER = --logger "console;verbosity=minimal"

test: setup ## Run every test (unit, HTTP, promtool, kubectl) and fail on any failure
	$(DOTNET) build $(SLN) -c $(CONFIG) --no-restore -v q -nologo
	@mkdir -p $(LOCAL)
	@set +e; echo "end-to-end tests run in the background meanwhile (log: $(LOCAL)/e2e.log)"; \
	  $(DOTNET) test $(E2E_PROJ) -c $(CONFIG) --no-build -v q -nologo $(TEST_LOGGER) > $(LOCAL)/e2e.log 2>&1 & e2e_pid=$$!; \
	  $(DOTNET) test $(SLN) -c $(CONFIG) --no-build -v q -nologo $(TEST_LOGGER) -m:1 -p:SkipEndToEnd=true 2>&1 | tee $(LOCAL)/test.log; \
	  unit=$${PIPESTATUS[0]}; wait $$e2e_pid; e2e=$$?; cat $(LOCAL)/e2e.log | tee -a $(LOCAL)/test.log; \
	  scripts/smoke-run.sh; smoke=$$?; \
	  scripts/test-summary.sh $(LOCAL)/test.log $$((smoke == 0)) $$((smoke != 0)); \
	  [ $$unit -eq 0 ] && [ $$e2e -eq 0 ] && [ $$smoke -eq 0 ]

# Defaults for `make serve` / `make run` only (not exported to the tests); the environment overrides each.
SERVE_ENV = MODEL_NAME="$${MODEL_NAME:-churn}" MODEL_VERSION="$${MODEL_VERSION:-1}" \
	MODEL_URI="$${MODEL_URI:-$(CURDIR)/examples/models/churn/1/model.onnx}" \
	MODEL_PROFILE_URI="$${MODEL_PROFILE_URI-$(CURDIR)/examples/models/churn/1/profile.json}" \
	PORT="$${PORT:-8080}" HOST="$${HOST:-127.0.0.1}"
SERVER_BIN := runtime/ModelOperator.Runtime.Server/bin/$(CONFIG)/net10.0/modelserver

server-build: restore
	$(DOTNET) build $(SERVER_PROJ) -c $(CONFIG) --no-restore -v q -nologo

serve: server-build ## Serve one model in the foreground (PORT, MODEL_URI, MODEL_NAME override)
	$(SERVE_ENV) exec $(SERVER_BIN)

SANDBOX_PROJ := sandbox/ModelOperator.SandboxHost/ModelOperator.SandboxHost.csproj
SANDBOX_BIN  := sandbox/ModelOperator.SandboxHost/bin/$(CONFIG)/net10.0/modeloperator-sandbox
OPERATOR_BIN := operator/ModelOperator.Operator/bin/$(CONFIG)/net10.0/modeloperator
SANDBOX_FLAGS = --modelserver $(CURDIR)/$(SERVER_BIN) --operator $(CURDIR)/$(OPERATOR_BIN)

sandbox-build: debs restore
	$(DOTNET) build $(SERVER_PROJ) -c $(CONFIG) --no-restore -v q -nologo
	$(DOTNET) build $(SANDBOX_PROJ) -c $(CONFIG) --no-restore -v q -nologo
	$(DOTNET) build tools/grpc-infer -c $(CONFIG) --no-restore -v q -nologo
	$(DOTNET) build operator/ModelOperator.Operator -c $(CONFIG) --no-restore -v q -nologo

run: sandbox-build plugin ## The local sandbox: churn v1, v2 promoted by canary, v3 rolled back on drift; stays up until Ctrl-C
	@exec $(SANDBOX_BIN) demo $(SANDBOX_FLAGS) $(RUN_ARGS)

sandbox: sandbox-build ## The local sandbox alone (API server, operator, node agent, proxy, Prometheus) until Ctrl-C
	@exec $(SANDBOX_BIN) up $(SANDBOX_FLAGS) $(RUN_ARGS)

# The fault soak: free ports (it can run beside make run), its own state folder, the report into docs/reliability.md.
SOAK_DURATION ?= 10m
SOAK_SEED     ?=
soak: sandbox-build ## Fault soak on the sandbox (SOAK_DURATION=10m, SOAK_SEED=N replays): rollouts under faults, invariants checked, report in docs/reliability.md
	@exec $(SANDBOX_BIN) soak $(SANDBOX_FLAGS) --dir $(CURDIR)/$(LOCAL)/soak --api-port 0 --proxy-port 0 --prometheus-port 0 --operator-port 0 \
	  --duration $(SOAK_DURATION) $(if $(SOAK_SEED),--seed $(SOAK_SEED)) --report $(CURDIR)/docs/reliability.md $(SOAK_ARGS)

bench: setup ## Run the benchmarks and write docs/benchmarks.md
	$(DOTNET) build $(BENCH_PROJ) -c Release --no-restore -v q -nologo
	$(DOTNET) bench/ModelOperator.Benchmarks/bin/Release/net10.0/ModelOperator.Benchmarks.dll --out $(CURDIR)/docs/benchmarks.md $(BENCH_ARGS)

apiserver: restore ## Run the in-memory Kubernetes API server on 127.0.0.1 (PORT, default 8001)
	$(DOTNET) build $(APISERVER_PROJ) -c $(CONFIG) --no-restore -v q -nologo
	KUBECONFIG_OUT="$${KUBECONFIG_OUT:-$(CURDIR)/.local/apiserver/kubeconfig}" exec sandbox/ModelOperator.ApiServer/bin/$(CONFIG)/net10.0/fake-apiserver

models: debs ## Regenerate the example ONNX models and their expected outputs
	/usr/bin/python3 scripts/gen_models.py examples/models --test-models tests/ModelOperator.Runtime.Onnx.Tests/Models

profiles: server-build ## Rebuild the churn and strings examples' reference profiles from their reference.csv
	for v in 1 2 3; do $(SERVER_BIN) profile --model examples/models/churn/$$v/model.onnx \
	  --data examples/models/churn/reference.csv --out examples/models/churn/$$v/profile.json; done
	$(SERVER_BIN) profile --model examples/models/strings/1/model.onnx \
	  --data examples/models/strings/reference.csv --out examples/models/strings/1/profile.json

operator: restore ## Run the operator in the foreground against the cluster KUBECONFIG names (or the current kubeconfig)
	$(DOTNET) build operator/ModelOperator.Operator -c $(CONFIG) --no-restore -v q -nologo
	exec operator/ModelOperator.Operator/bin/$(CONFIG)/net10.0/modeloperator $(OPERATOR_ARGS)

plugin: restore ## Build the kubectl plugin (`kubectl model`) and print the PATH line that lets kubectl find it
	$(DOTNET) build operator/ModelOperator.Kubectl -c $(CONFIG) --no-restore -v q -nologo
	@# A folder holding only the plugin (a link to the apphost), so `kubectl plugin list` sees nothing else there.
	@mkdir -p $(LOCAL)/plugin/bin
	@ln -sfn $(CURDIR)/operator/ModelOperator.Kubectl/bin/$(CONFIG)/net10.0/kubectl-model $(LOCAL)/plugin/bin/kubectl-model
	@printf '\nkubectl-model is built. Put it on PATH so that kubectl finds it:\n\n  export PATH=%s:$$PATH\n\nthen: kubectl model status NAME [-n NAMESPACE]   (kubectl model --help lists the commands)\n' "$(CURDIR)/$(LOCAL)/plugin/bin"

crds: restore ## Regenerate the ModelDeployment CRD (crds/, and the chart's copy) and its reference doc from the C# types
	$(DOTNET) build operator/ModelOperator.CrdGen -c $(CONFIG) --no-restore -v q -nologo
	$(DOTNET) operator/ModelOperator.CrdGen/bin/$(CONFIG)/net10.0/crdgen.dll $(CURDIR)
	cp crds/modeldeployments.modeloperator.io.yaml charts/model-operator/crds/  # the chart ships the same bytes (ChartRenderTests)

clean: ## Remove build outputs and local state
	$(DOTNET) clean $(SLN) -v q -nologo || true
	find . -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
	rm -rf $(LOCAL)
