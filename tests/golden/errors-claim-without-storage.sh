# A volumeClaimTemplate without a storage request: the StatefulSet is stored, but the API server
# refuses the controller's claim, so no claim and no pod exist; the set's events say why.
cat <<'Y' | kubectl apply -f -
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 1
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
        image: nginx
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: ["ReadWriteOnce"]
Y
sleep 10
kubectl get statefulsets,pods,pvc
kubectl get events --field-selector involvedObject.kind=StatefulSet
cat <<'Y' > claim.yaml
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: www-web-0
spec:
  accessModes: ["ReadWriteOnce"]
Y
kubectl apply -f claim.yaml
