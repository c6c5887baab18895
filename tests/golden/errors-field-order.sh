# Several invalid fields in one object: the API server lists them in the order its
# validation visits them (`ValidateDaemonSetSpec`: the selector, whether it matches the
# template's labels, whether it is empty, then the template and its pod spec).
cat <<'Y' > ds.yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: other
        bad key: x
    spec:
      restartPolicy: Never
      containers: []
Y
kubectl apply -f ds.yaml
cat <<'Y' > empty.yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector: {}
  template:
    metadata:
      labels:
        bad key: x
    spec:
      containers:
      - name: agent
        image: busybox
        imagePullPolicy: Sometimes
Y
kubectl apply -f empty.yaml
cat <<'Y' > deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: -1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: api
        bad key: x
    spec:
      containers:
      - name: web
        image: nginx
Y
kubectl apply -f deploy.yaml
kubectl get daemonsets,deployments
