# Limits that protect the tab. A node runs at most 110 pods (the kubelet's default
# maxPods): the scheduler leaves the rest Pending with "Too many pods".
kubectl create deployment crowd --image=registry.k8s.io/pause:3.10 --replicas=110
sleep 60
kubectl get deployment crowd
kubectl get pods -A --field-selector spec.nodeName=kind-control-plane --no-headers | wc -l
kubectl get pods --field-selector status.phase=Pending --no-headers | wc -l
kubectl get events --field-selector reason=FailedScheduling -o jsonpath='{.items[0].message}{"\n"}'
kubectl delete deployment crowd
# The cluster holds at most 150000 pods at once: a workload that would take the replicas
# all workloads ask for past it is refused, on create and on scale alike (a StatefulSet
# whose first pod never starts creates only that one).
cat <<'Y' | kubectl apply -f -
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: first
spec:
  replicas: 80000
  serviceName: first
  selector:
    matchLabels:
      app: first
  template:
    metadata:
      labels:
        app: first
    spec:
      containers:
      - name: app
        image: nginx:no-such-tag
Y
kubectl create deployment second --image=nginx --replicas=0
kubectl scale deployment second --replicas=69998
kubectl scale statefulset first --replicas=100000
kubectl scale deployment second --replicas=50000
kubectl get statefulset,deployment
