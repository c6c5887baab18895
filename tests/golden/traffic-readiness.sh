# kubeplay: --cluster kind-multi --seed 17
# Who answers changes exactly when the Endpoints change: a pod failing its readiness probe
# leaves the rotation and comes back when it passes; the pods of a lost node leave it once
# the node controller marks them not ready (40 s after the kubelet's last heartbeat), and a
# NodePort reaches the same endpoints through any node's IP.
cat <<'Y' | kubectl apply -f -
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
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
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: ["serve-hostname"]
        readinessProbe:
          httpGet:
            path: /
            port: 9376
          periodSeconds: 1
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 9376
    nodePort: 30080
Y
kubectl run client --image=busybox --restart=Never -- sleep 3600
kubectl rollout status deployment/web
kubectl wait --for=condition=Ready pod/client
kubectl get pods -l app=web -o wide
kubectl exec client -- sh -c 'for i in $(seq 12); do wget -qO- http://web; echo; done' | sort | uniq -c
kubeplay pod fail-probe $(kubectl get pods -l app=web -o name | head -1)
sleep 5
kubectl get endpoints web
kubectl exec client -- sh -c 'for i in $(seq 12); do wget -qO- http://web; echo; done' | sort | uniq -c
kubeplay pod fix-probe $(kubectl get pods -l app=web -o name | head -1)
sleep 5
kubectl exec client -- sh -c 'for i in $(seq 12); do wget -qO- http://web; echo; done' | sort | uniq -c
kubectl exec client -- sh -c "wget -qO- http://$(kubectl get node kind-worker -o jsonpath='{.status.addresses[0].address}'):30080; echo"
kubeplay node stop kind-worker2
sleep 30
kubectl exec client -- sh -c 'for i in $(seq 12); do wget -qO- http://web; echo; done' | sort | uniq -c
sleep 20
kubectl get pods -l app=web -o wide
kubectl exec client -- sh -c 'for i in $(seq 12); do wget -qO- http://web; echo; done' | sort | uniq -c
