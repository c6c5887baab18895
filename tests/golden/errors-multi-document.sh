# Class 3: documents are decoded and sent one by one; several failures print as kubectl's aggregate.
cat <<'Y' | kubectl apply -f -
apiVersion: v1
kind: ConfigMap
metadata:
  name: first
data:
  a: "1"
---
apiVersion: v1
kind: Pod
metadata:
  name: My_App
spec:
  containers:
  - name: app
    image: nginx
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: negative
spec:
  replicas: -1
  selector:
    matchLabels:
      app: negative
  template:
    metadata:
      labels:
        app: negative
    spec:
      containers:
      - name: app
        image: nginx
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: second
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: broken
  labels: a: b
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: never-read
Y
kubectl get configmaps
cat <<'Y' > two-bad.yaml
apiVersion: v1
kind: Pod
metadata:
  name: ok
spec:
  containers:
  - name: app
    image: nginx
---
apiVersion: v1
kind: Pod
metadata:
  name: Bad_One
spec:
  restartPolicy: Sometimes
  containers:
  - name: app
    image: nginx
---
apiVersion: v1
kind: Pod
metadata:
  name: ok
spec:
  containers:
  - name: app
    image: nginx
Y
kubectl create -f two-bad.yaml
cat <<'Y' > one-bad.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: third
---
apiVersion: apps/v1
kind: Deploymnt
metadata:
  name: typo
Y
kubectl apply -f one-bad.yaml
kubectl get configmaps,pods
cat <<'Y' | kubectl delete -f -
apiVersion: v1
kind: ConfigMap
metadata:
  name: first
---
apiVersion: v1
kind: Pod
metadata:
  name: never-created
Y
kubectl delete configmap first
