# StatefulSets as the kubernetes.io "StatefulSet Basics" tutorial shows them.
cat <<'EOF' | kubectl apply -f -
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: "nginx"
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
EOF
kubectl get service nginx
kubectl get pods -l app=nginx
sleep 3
kubectl get pods -l app=nginx
kubectl rollout status statefulset/web
kubectl get statefulset web
kubectl get pvc -l app=nginx
kubectl get pv --no-headers | wc -l
kubectl exec web-0 -- hostname
kubectl exec web-1 -- sh -c 'hostname'
# The tutorial types nslookup in `kubectl run -i --tty --image busybox:1.28 dns-test`; without
# an interactive terminal the same busybox answers through kubectl exec.
kubectl run dns-test --image busybox:1.28 --restart=Never -- sleep 3600
kubectl wait --for=condition=Ready pod/dns-test
kubectl exec dns-test -- nslookup web-0.nginx
kubectl exec dns-test -- nslookup web-1.nginx
kubectl delete pod -l app=nginx
kubectl get pods -l app=nginx
kubectl rollout status statefulset/web
kubectl get pods -l app=nginx
kubectl exec web-0 -- hostname
kubectl exec dns-test -- nslookup web-0.nginx
kubectl exec dns-test -- nslookup web-2.nginx
kubectl scale sts web --replicas=5
kubectl rollout status statefulset/web
kubectl get pods -l app=nginx
kubectl scale sts web --replicas=3
sleep 5
kubectl get pods -l app=nginx
kubectl get pvc -l app=nginx
kubectl set image statefulset/web nginx=registry.k8s.io/nginx-slim:0.27
kubectl rollout status statefulset/web
kubectl get pods -l app=nginx -o jsonpath='{.items[*].spec.containers[0].image}'
kubectl rollout history statefulset/web
kubectl rollout undo statefulset/web
kubectl rollout status statefulset/web
kubectl rollout history statefulset/web
kubectl get pods -l app=nginx -o jsonpath='{.items[*].spec.containers[0].image}{"\n"}'
kubectl describe statefulset web | head -12
kubectl delete statefulset web
sleep 5
kubectl get pods -l app=nginx
kubectl get pvc -l app=nginx
cat <<'EOF' | kubectl apply -f -
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: tidy
spec:
  replicas: 3
  podManagementPolicy: Parallel
  persistentVolumeClaimRetentionPolicy:
    whenDeleted: Delete
    whenScaled: Delete
  # Alpha in v1.33 behind MaxUnavailableStatefulSet (off): the API server drops the field.
  updateStrategy:
    rollingUpdate:
      maxUnavailable: 2
  selector:
    matchLabels:
      app: tidy
  template:
    metadata:
      labels:
        app: tidy
    spec:
      containers:
      - name: app
        image: nginx:1.27
        volumeMounts:
        - name: data
          mountPath: /data
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 2Gi
EOF
sleep 5
kubectl get pods,pvc -l app=tidy
kubectl get statefulset tidy -o jsonpath='{.spec.updateStrategy}{"\n"}'
kubectl scale statefulset tidy --replicas=1
sleep 5
kubectl get pods,pvc -l app=tidy
kubectl delete statefulset tidy
sleep 5
kubectl get pods,pvc -l app=tidy
