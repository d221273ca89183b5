{{/*
Names and labels shared by every template of the chart (the monitoring templates too).
*/}}

{{/* The chart name, or nameOverride. */}}
{{- define "healthreport-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The full name of the release's objects: fullnameOverride, else RELEASE-NAME (just RELEASE when the
release name already contains the chart name). 63 characters at most (DNS label).
*/}}
{{- define "healthreport-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* chart-version, as the helm.sh/chart label wants it. */}}
{{- define "healthreport-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels the Deployment's pods are selected by: never change them in an upgrade. */}}
{{- define "healthreport-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "healthreport-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of every object of the chart. */}}
{{- define "healthreport-operator.labels" -}}
helm.sh/chart: {{ include "healthreport-operator.chart" . }}
{{ include "healthreport-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: healthreport-operator
{{- end }}

{{/* The ServiceAccount the operator runs as. */}}
{{- define "healthreport-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "healthreport-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The operator namespace: where the Lease and the reports on cluster-scoped subjects live. The
operator reads it from POD_NAMESPACE (the release namespace) unless config.operatorNamespace is set.
*/}}
{{- define "healthreport-operator.operatorNamespace" -}}
{{- default .Release.Namespace .Values.config.operatorNamespace }}
{{- end }}

{{/* The Lease leader election uses (config.leaderElection.leaseName, else the operator's default). */}}
{{- define "healthreport-operator.leaseName" -}}
{{- dig "leaderElection" "leaseName" "healthreport-operator" .Values.config }}
{{- end }}

{{/* image: repository:tag, or repository@digest. */}}
{{- define "healthreport-operator.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* Whether the operator reads container logs (config.evidence.logs), which needs pods/log. */}}
{{- define "healthreport-operator.readsLogs" -}}
{{- if dig "evidence" "logs" false .Values.config }}true{{ end }}
{{- end }}

{{/* The config file's path in the container. */}}
{{- define "healthreport-operator.configPath" -}}
/etc/healthreport-operator/config.yaml
{{- end }}
