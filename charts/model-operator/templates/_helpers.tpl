{{/* The chart name, or nameOverride. */}}
{{- define "model-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The prefix of every object name: fullnameOverride, else "<release>-<name>", or just the release name
when it already contains the chart name (no "model-operator-model-operator").
*/}}
{{- define "model-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := include "model-operator.name" . }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "model-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "model-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The labels that pick the operator pods: never change them in an upgrade (selectors are immutable). */}}
{{- define "model-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "model-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "model-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "model-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The namespaces the operator manages, comma-separated, or "" for all: watchNamespaces, plus the older
one-namespace watchNamespace. A namespaced install (rbac.namespaced=true) without either manages the
release namespace. Each managed namespace gets a Role and RoleBinding instead of a ClusterRole (rbac.yaml).
Values that would give the operator rights it does not use, or two reconciling replicas, are refused
here, so every template that includes this fails the same way.
*/}}
{{- define "model-operator.watchNamespace" -}}
{{- $list := list }}
{{- range (.Values.watchNamespaces | default list) }}
{{- $list = append $list (toString .) }}
{{- end }}
{{- if .Values.watchNamespace }}
{{- $list = append $list .Values.watchNamespace }}
{{- end }}
{{- if and (not $list) .Values.rbac.namespaced }}
{{- $list = list .Release.Namespace }}
{{- end }}
{{- range $list }}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$" .) }}
{{- fail (printf "watchNamespaces has %q, which is not a namespace name (lowercase letters, digits and '-', at most 63)" .) }}
{{- end }}
{{- end }}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.leaderElection.enabled) }}
{{- fail (printf "replicaCount is %d with leaderElection.enabled=false: every replica would reconcile the same ModelDeployments at once; enable leader election or use one replica" (int .Values.replicaCount)) }}
{{- end }}
{{- join "," (uniq $list) }}
{{- end }}

{{/* The operator image: repository and tag (appVersion when tag is empty). */}}
{{- define "model-operator.image" -}}
{{- printf "%s:%s" (required "image.repository is required" .Values.image.repository) (.Values.image.tag | default .Chart.AppVersion | toString) }}
{{- end }}
