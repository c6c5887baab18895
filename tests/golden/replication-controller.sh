# ReplicationController, the legacy API Deployments replace: create, list, describe, scale,
# the pods it adopts and releases, and a cascading delete.
cat <<'YAML' | kubectl apply -f -
apiVersion: v1
kind: ReplicationController
metadata:
  name: nginx
spec:
  replicas: 3
  selector:
    app: nginx
  template:
    metadata:
      name: nginx
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx
        ports:
        - containerPort: 80
YAML
sleep 10
kubectl get rc
kubectl get replicationcontrollers -o wide
kubectl get pods --show-labels
kubectl describe rc nginx
kubectl scale rc nginx --replicas=5
sleep 5
kubectl get rc nginx
kubectl scale replicationcontroller/nginx --replicas=2
sleep 5
kubectl get rc,pods
kubectl get events --field-selector involvedObject.kind=ReplicationController
kubectl get rc nginx -o jsonpath='{.spec.selector}{"\n"}{.metadata.labels}{"\n"}{.status}{"\n"}'
kubectl rolling-update nginx --image=nginx:1.27
kubectl api-resources --api-group='' | grep -E 'NAME|replication'
kubectl get all
# A selector defaulted from the template's labels; invalid ones refused as the API server does.
cat <<'YAML' | kubectl apply -f -
apiVersion: v1
kind: ReplicationController
metadata:
  name: defaulted
spec:
  replicas: 1
  template:
    metadata:
      labels:
        app: defaulted
    spec:
      containers:
      - name: httpd
        image: httpd
YAML
kubectl get rc defaulted -o jsonpath='{.spec.selector} {.metadata.labels}{"\n"}'
cat <<'YAML' | kubectl apply -f -
apiVersion: v1
kind: ReplicationController
metadata:
  name: broken
spec:
  replicas: -1
  selector:
    app: other
  template:
    metadata:
      labels:
        app: broken
    spec:
      restartPolicy: Never
      activeDeadlineSeconds: 10
      containers:
      - name: nginx
        image: nginx
YAML
cat <<'YAML' | kubectl apply -f -
apiVersion: v1
kind: ReplicationController
metadata:
  name: empty
spec:
  replicas: 1
YAML
# Cascading delete: the pods go with it.
kubectl delete rc defaulted
kubectl delete rc nginx
sleep 40
kubectl get rc,pods
# An autoscaler can target one (its scale subresource), and set image changes its template.
kubectl create -f - <<'YAML'
apiVersion: v1
kind: ReplicationController
metadata:
  name: scaled
spec:
  replicas: 1
  template:
    metadata:
      labels:
        app: scaled
    spec:
      containers:
      - name: nginx
        image: nginx
YAML
kubectl autoscale rc scaled --min=2 --max=4
sleep 20
kubectl get hpa,rc
kubectl set image rc/scaled nginx=nginx:1.27
kubectl get rc scaled -o wide
