package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// installOrder is the order Helm installs (and `helm template` prints) kinds in; kinds not listed
// come last, in file order.
var installOrder = []string{
	"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
	"PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
	"PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList",
	"ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList",
	"Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
	"HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
}

type manifest struct {
	source string
	body   string
	kind   string
}

var separator = regexp.MustCompile(`(?m)^---[ \t]*(#.*)?$`)

// splitManifests cuts each rendered file into YAML documents, drops empty ones, checks that each is
// an object with apiVersion and kind (as Helm does before it installs), and sorts by install order.
func splitManifests(files []renderedFile) ([]manifest, error) {
	var out []manifest
	for _, f := range files {
		for _, doc := range separator.Split(f.content, -1) {
			if strings.TrimSpace(stripComments(doc)) == "" {
				continue
			}
			var head struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
			}
			if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
				return nil, fmt.Errorf("YAML parse error on %s: %v", f.name, err)
			}
			if head.APIVersion == "" || head.Kind == "" {
				return nil, fmt.Errorf("%s: a document has no apiVersion or kind:\n%s", f.name, doc)
			}
			out = append(out, manifest{source: f.name, body: strings.TrimLeft(doc, "\n"), kind: head.Kind})
		}
	}
	rank := func(kind string) int {
		for i, k := range installOrder {
			if k == kind {
				return i
			}
		}
		return len(installOrder)
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i].kind) < rank(out[j].kind) })
	return out, nil
}

func stripComments(doc string) string {
	var b strings.Builder
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
