using System.Text;
using ModelOperator.ApiServer.Patch;

namespace ModelOperator.ApiServer.Tests.Support;

/// <summary>The sample Widget CRD and objects the tests use.</summary>
internal static class Manifests
{
    public const string WidgetCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          scope: Namespaced
          names:
            plural: widgets
            singular: widget
            kind: Widget
            shortNames: [wd]
            categories: [all]
          versions:
          - name: v1
            served: true
            storage: true
            subresources:
              status: {}
              scale:
                specReplicasPath: .spec.replicas
                statusReplicasPath: .status.replicas
                labelSelectorPath: .status.selector
            additionalPrinterColumns:
            - name: Color
              type: string
              jsonPath: .spec.color
            - name: Replicas
              type: integer
              jsonPath: .spec.replicas
            - name: Ready
              type: string
              jsonPath: .status.conditions[?(@.type=="Ready")].status
            - name: Age
              type: date
              jsonPath: .metadata.creationTimestamp
            schema:
              openAPIV3Schema:
                type: object
                description: A Widget is a small sample resource for the API server tests.
                properties:
                  spec:
                    type: object
                    description: The desired state of the widget.
                    required: [color]
                    properties:
                      color:
                        type: string
                        description: The colour the widget is painted in.
                        enum: [red, green, blue]
                      replicas:
                        type: integer
                        description: How many copies of the widget to run.
                        minimum: 0
                        maximum: 10
                        default: 1
                      label:
                        type: string
                        pattern: '^[a-z]+$'
                        minLength: 2
                        maxLength: 10
                      sizes:
                        type: array
                        maxItems: 3
                        items:
                          type: integer
                      parts:
                        type: array
                        x-kubernetes-list-type: map
                        x-kubernetes-list-map-keys: [name]
                        items:
                          type: object
                          required: [name]
                          properties:
                            name: {type: string}
                            count: {type: integer, default: 1}
                      extra:
                        type: object
                        x-kubernetes-preserve-unknown-fields: true
                  status:
                    type: object
                    properties:
                      replicas:
                        type: integer
                      selector:
                        type: string
                      observedGeneration:
                        type: integer
                      conditions:
                        type: array
                        items:
                          type: object
                          required: [type, status]
                          properties:
                            type: {type: string}
                            status: {type: string, enum: ["True", "False", "Unknown"]}
                            reason: {type: string}
                            message: {type: string}
        """;

    public static string WidgetCrdJson => ToJson(WidgetCrd);

    /// <summary>A CRD whose spec carries CEL rules: a cross-field rule with fieldPath, a transition rule, a rule without message, a messageExpression.</summary>
    public const string GaugeCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: gauges.example.com
        spec:
          group: example.com
          scope: Namespaced
          names: {plural: gauges, singular: gauge, kind: Gauge}
          versions:
          - name: v1
            served: true
            storage: true
            subresources: {status: {}}
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    x-kubernetes-validations:
                    - rule: "!has(self.min) || self.min <= self.max"
                      message: min must not exceed max
                      fieldPath: .min
                    - rule: self.unit == oldSelf.unit
                      message: unit is immutable
                      reason: FieldValueForbidden
                    - rule: "!has(self.tags) || self.tags.all(t, t.startsWith('x-'))"
                    properties:
                      min: {type: integer}
                      max: {type: integer}
                      unit:
                        type: string
                        x-kubernetes-validations:
                        - rule: self.lowerAscii() == self
                          message: unit must be lower case
                          messageExpression: "'unit must be lower case, not ' + self"
                      tags:
                        type: array
                        items: {type: string}
                  status:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
        """;

    public static string GaugeCrdJson => ToJson(GaugeCrd);

    public static string Widget(string name, string color = "red", int? replicas = null, string ns = "default", string labels = "app: demo") => $"""
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          name: {name}
          namespace: {ns}
          labels: {"{"}{labels}{"}"}
        spec:
          color: {color}
        {(replicas is { } r ? $"  replicas: {r}" : "")}
        """;

    public static string Deployment(string name, string image = "nginx:1.25", int replicas = 2) => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
          labels: {"{"}app: {name}{"}"}
        spec:
          replicas: {replicas}
          selector:
            matchLabels: {"{"}app: {name}{"}"}
          template:
            metadata:
              labels: {"{"}app: {name}{"}"}
            spec:
              containers:
              - name: app
                image: {image}
                ports:
                - containerPort: 80
                env:
                - name: MODE
                  value: "fast"
        """;

    /// <summary>YAML to compact JSON, using the server's own reader.</summary>
    public static string ToJson(string yaml) => YamlJson.Parse(Encoding.UTF8.GetBytes(yaml))!.ToJsonString();
}
