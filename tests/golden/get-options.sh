# kubeplay: --seed 12
# `kubectl get` as cheat sheets use it: --sort-by, -f, custom columns, jsonpath ranges and filters.
cat > web.yaml <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
        tier: frontend
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
YAML
kubectl apply -f web.yaml
kubectl create deployment api --image=busybox:1.36 --replicas=2 -- sleep 3600
kubectl rollout status deployment/web
sleep 5
# Everything a file describes, grouped by kind.
kubectl get -f web.yaml
kubectl get -f web.yaml -o name
kubectl get pods -f web.yaml
kubectl get -f web.yaml --sort-by=.metadata.name -o custom-columns=KIND:.kind,NAME:.metadata.name
# Sorted by name (natural order), by replicas, by creation time.
kubectl get pods --sort-by=.metadata.name
kubectl get deployments --sort-by=.spec.replicas
kubectl get pods --sort-by='{.metadata.creationTimestamp}' -o name
kubectl get deploy --sort-by=.spec.replicas -o jsonpath='{range .items[*]}{.metadata.name}={.spec.replicas}{"\n"}{end}'
# Custom columns, inline and from a file.
kubectl get pods -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName,IMAGES:.spec.containers[*].image --sort-by=.metadata.name
kubectl get deploy -o custom-columns='NAME:metadata.name,LABELS:{.metadata.labels},MISSING:.spec.paused' --no-headers
cat > columns.txt <<'TXT'
NAME          READY                  PHASE
.metadata.name .status.containerStatuses[0].ready .status.phase
TXT
kubectl get pods -l app=web -o custom-columns-file=columns.txt
kubectl get pods -o custom-columns=NAME
kubectl get pods -o custom-columns=
kubectl get pods -o custom-columns='NAME:{.metadata.name'
# jsonpath: ranges, filters, slices.
kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}{"\t"}{.status.phase}{"\n"}{end}' -l app=api
kubectl get pods -o jsonpath='{.items[?(@.metadata.labels.tier=="frontend")].metadata.name}{"\n"}'
kubectl get nodes -o jsonpath='{.items[0].status.conditions[?(@.type=="Ready")].status}{"\n"}'
kubectl get pods -o jsonpath='{.items[-1:].metadata.name}{"\n"}' --sort-by=.metadata.name
# go-template, the common cases.
kubectl get pods -l app=api -o go-template='{{range .items}}{{.metadata.name}} {{len .spec.containers}} {{index .metadata.labels "app"}}{{"\n"}}{{end}}'
kubectl get -f missing.yaml
