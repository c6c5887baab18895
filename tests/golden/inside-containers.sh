# Looking inside running containers, as tutorials do: the image filesystem, the files the
# kubelet writes (/etc/hosts, /etc/resolv.conf, the service account token), the environment
# with the Service variables, programs an image does not have; then logs by selector.
kubectl create namespace shop
kubectl get configmaps,serviceaccounts -n shop
kubectl create deployment web -n shop --image=nginx:1.27
# A Service before the pods start: the kubelet puts its variables in their environment.
cat <<'Y' | kubectl apply -f -
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
  - name: http
    port: 80
Y
kubectl run ticker -n shop --image=busybox:1.36 --labels=app=ticker -- sh -c 'i=0; while true; do i=$(expr $i + 1); echo "tick $i"; sleep 5; done'
kubectl run ticker-2 -n shop --image=busybox:1.36 --labels=app=ticker -- sh -c 'while true; do echo tock; sleep 7; done'
sleep 30
kubectl exec -n shop deploy/web -- ls /
kubectl exec -n shop deploy/web -- cat /etc/os-release
kubectl exec -n shop deploy/web -- cat /etc/resolv.conf
kubectl exec -n shop deploy/web -- cat /etc/hosts
kubectl exec -n shop deploy/web -- env | grep -E '^(WEB|KUBERNETES_SERVICE|NGINX_VERSION|HOSTNAME)'
kubectl exec -n shop deploy/web -- ls /var/run/secrets/kubernetes.io/serviceaccount
kubectl exec -n shop deploy/web -- sh -c 'cat /var/run/secrets/kubernetes.io/serviceaccount/namespace; echo'
kubectl exec -n shop deploy/web -- sh -c 'head -c 36 /var/run/secrets/kubernetes.io/serviceaccount/token; echo'
kubectl exec -n shop deploy/web -- sh -c 'grep -o "<title>.*</title>" /usr/share/nginx/html/index.html'
kubectl exec -n shop deploy/web -- ps aux
echo "exit status $?"
kubectl exec -n shop ticker -- ps
kubectl exec -n shop ticker -- ls -l /
kubectl exec -n shop ticker -- cat /etc/os-release
kubectl exec -n shop ticker -- hostname
kubectl exec -n shop ticker -- /bin/ls /etc
kubectl exec -n shop ticker -- /usr/bin/curl http://localhost
# Logs of every pod of a selector: the last 10 lines of each unless --tail says otherwise.
kubectl logs -n shop -l app=ticker --prefix --tail=3
kubectl logs -n shop ticker --timestamps --since=12s
timeout 11 kubectl logs -n shop -f -l app=ticker --prefix
echo "followed until the timeout: $?"
kubectl logs -n shop -f -l app=ticker --max-log-requests=1
kubectl logs -n shop -f ticker-2 --request-timeout=8s
