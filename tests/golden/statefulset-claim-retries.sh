# A claim the API server refuses fails the StatefulSet's sync, and its work queue retries the
# set with the controller rate limiter's back-off (5 ms, doubling, at most 1000 s): each retry
# repeats the two FailedCreate events, which describe shows aggregated as (xN over …).
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
kubectl describe statefulset web | sed -n '/^Events:/,$p'
# The back-off reaches its ceiling after about 22 minutes: then one retry every 1000 s.
sleep 3600
kubectl describe statefulset web | sed -n '/^Events:/,$p'
kubectl delete statefulset web
kubectl get pods,pvc
