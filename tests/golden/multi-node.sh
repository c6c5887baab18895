# kubeplay: --cluster kind-multi --seed 3
# Four nodes: pods spread over the workers, DaemonSets everywhere, scheduling failures.
kubectl get nodes
kubectl get nodes -o wide
kubectl get ds -n kube-system
kubectl create deployment web --image=nginx --replicas=6
kubectl rollout status deployment/web
kubectl get pods -o wide
cat <<'EOF' | kubectl apply -f -
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hungry
spec:
  replicas: 4
  selector:
    matchLabels:
      app: hungry
  template:
    metadata:
      labels:
        app: hungry
    spec:
      containers:
      - name: hungry
        image: nginx
        resources:
          requests:
            cpu: "7"
EOF
sleep 10
kubectl get pods -l app=hungry
kubectl get events --field-selector reason=FailedScheduling
cat <<'EOF' | kubectl apply -f -
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
        app: agent
    spec:
      nodeSelector:
        kubernetes.io/os: linux
      containers:
      - name: agent
        image: busybox:1.36
        command: ["sh", "-c", "sleep 3600"]
EOF
kubectl rollout status daemonset/agent
kubectl get ds agent
kubectl get pods -l app=agent -o wide
kubectl set image daemonset/agent agent=busybox:1.37
kubectl rollout status daemonset/agent
kubectl rollout history daemonset/agent
kubectl rollout undo daemonset/agent
kubectl rollout status daemonset/agent
kubectl get pods -l app=agent -o jsonpath='{.items[*].spec.containers[0].image}{"\n"}'
kubectl get controllerrevisions -l app=agent
kubectl label node kind-worker3 disk=ssd
kubectl get nodes --show-labels -l disk=ssd
kubectl get nodes -l '!disk' --no-headers
