# kubeplay: --cluster kind-multi --seed 21
# Rolling update and rollback of a DaemonSet, following
# https://kubernetes.io/docs/tasks/manage-daemon/update-daemon-set/ and
# https://kubernetes.io/docs/tasks/manage-daemon/rollback-daemon-set/ .
# - `-o go-template` runs Go's text/template on the object (cli-runtime printers/template.go).
# - With maxSurge 0 a node gets its new pod only once the old one is gone: a terminating pod
#   still counts for its node (getNodesToDaemonPods/podsShouldBeOnNode in
#   pkg/controller/daemon/daemon_controller.go, v1.33; kubernetes#118716).
# - `rollout history --revision=N` prints the template through printTemplate
#   (staging/src/k8s.io/kubectl/pkg/polymorphichelpers/history.go): tabs as they are.
cat <<'YAML' > fluentd-daemonset.yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd-elasticsearch
  namespace: kube-system
  labels:
    k8s-app: fluentd-logging
spec:
  selector:
    matchLabels:
      name: fluentd-elasticsearch
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 1
  template:
    metadata:
      labels:
        name: fluentd-elasticsearch
    spec:
      tolerations:
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule
      containers:
      - name: fluentd-elasticsearch
        image: quay.io/fluentd_elasticsearch/fluentd:v2.5.2
        volumeMounts:
        - name: varlog
          mountPath: /var/log
      terminationGracePeriodSeconds: 30
      volumes:
      - name: varlog
        hostPath:
          path: /var/log
YAML
# Before creating it, the manifest's strategy; then the live object's.
kubectl apply -f fluentd-daemonset.yaml --dry-run=client -o go-template='{{.spec.updateStrategy.type}}{{"\n"}}'
kubectl create -f fluentd-daemonset.yaml
kubectl rollout status ds/fluentd-elasticsearch -n kube-system
kubectl get ds/fluentd-elasticsearch -o go-template='{{.spec.updateStrategy.type}}{{"\n"}}' -n kube-system
kubectl get pods -n kube-system -l name=fluentd-elasticsearch -o go-template='{{range .items}}{{.metadata.name}} {{.spec.nodeName}} {{(index .spec.containers 0).image}}{{"\n"}}{{end}}'
kubectl set image ds/fluentd-elasticsearch fluentd-elasticsearch=quay.io/fluentd_elasticsearch/fluentd:v2.6.0 -n kube-system
# While the first old pod terminates its node stays without a new one.
kubectl get pods -n kube-system -l name=fluentd-elasticsearch -o wide
sleep 5
kubectl get pods -n kube-system -l name=fluentd-elasticsearch -o wide
kubectl rollout status ds/fluentd-elasticsearch -n kube-system
kubectl get events -n kube-system --field-selector involvedObject.name=fluentd-elasticsearch
kubectl rollout history daemonset fluentd-elasticsearch -n kube-system
kubectl rollout history daemonset fluentd-elasticsearch --revision=1 -n kube-system
kubectl rollout history daemonset fluentd-elasticsearch --revision=7 -n kube-system
kubectl rollout undo daemonset fluentd-elasticsearch --to-revision=1 -n kube-system
kubectl rollout status ds/fluentd-elasticsearch -n kube-system
kubectl get ds fluentd-elasticsearch -n kube-system -o go-template='{{range .spec.template.spec.containers}}{{.image}}{{end}} updated={{.status.updatedNumberScheduled}} available={{.status.numberAvailable}}{{"\n"}}'
kubectl get ds fluentd-elasticsearch -n kube-system -o go-template='{{.status.nope.x}}'
# A template kept in a file (its final newline is template text too).
cat <<'T' > images.tmpl
{{range .items}}{{.metadata.name}}{{"\t"}}{{range .spec.containers}}{{.image}}{{end}}{{"\n"}}{{end}}
T
kubectl get pods -n kube-system -l name=fluentd-elasticsearch -o go-template-file=images.tmpl
kubectl get pods -n kube-system -l name=fluentd-elasticsearch -o go-template-file=missing.tmpl
