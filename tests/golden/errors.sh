# Bad input gets kubectl's and the API server's message, and changes nothing.
kubectl get pods
cat <<'EOF' > bad-yaml.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: app: web
EOF
kubectl apply -f bad-yaml.yaml
cat <<'EOF' > typo-kind.yaml
apiVersion: apps/v1
kind: Deploymnt
metadata:
  name: nginx
EOF
kubectl apply -f typo-kind.yaml
cat <<'EOF' > unknown-field.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  foo: bar
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx
EOF
kubectl apply -f unknown-field.yaml
cat <<'EOF' > mismatch.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: web
        image: nginx
EOF
kubectl apply -f mismatch.yaml
cat <<'EOF' > many-errors.yaml
apiVersion: v1
kind: Pod
metadata:
  name: My_App
spec:
  restartPolicy: Sometimes
  containers:
  - name: app
    ports:
    - containerPort: 70000
EOF
kubectl apply -f many-errors.yaml
cat <<'EOF' > zero.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: zero
spec:
  replicas: -1
  strategy:
    rollingUpdate:
      maxSurge: 0
      maxUnavailable: 0
  selector:
    matchLabels:
      app: zero
  template:
    metadata:
      labels:
        app: zero
    spec:
      containers:
      - name: zero
        image: nginx
EOF
kubectl apply -f zero.yaml
kubectl get deployments,pods
kubectl -n nope apply -f unknown-field.yaml
kubectl create namespace dev
kubectl create namespace dev
kubectl create deployment My_App --image=nginx
kubectl get pods missing
kubectl delete deployment missing
kubectl describe pod missing
kubectl get deploymnts
kubectl get pods --foo
kubectl rollout undo deployment/missing
kubectl scale deployment missing --replicas=2
kubectl logs missing
kubectl get pods -l 'app in web'
kubectl apply -f does-not-exist.yaml
frobnicate --now
kubectl
