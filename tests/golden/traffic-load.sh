# kubeplay: --cluster kind-multi --seed 18
# Load that keeps flowing: a client whose script loops sends a request every second as
# virtual time runs. Each request goes to one ready endpoint (the client's log says who
# answered), the servers count what they answered, nginx writes an access log line per
# request; replicas added by a scale-up join the rotation once ready, a request nothing
# answers holds its client for the client's timeout, and a client that calls a Service with
# no endpoint left is refused.
kubectl create namespace dev
kubectl -n dev create deployment demo --image=demo:1.0.0 --replicas=3
kubectl -n dev expose deployment demo --port=80
kubectl -n dev rollout status deployment/demo
kubectl -n dev run load --image=busybox --restart=Never -- sh -c 'while true; do wget -qO- http://demo; sleep 1; done'
kubectl -n dev wait --for=condition=Ready pod/load
sleep 30
kubectl -n dev logs load --tail=3
kubectl -n dev logs load | sort | uniq -c
kubeplay traffic -n dev
kubectl -n dev scale deployment demo --replicas=5
kubectl -n dev rollout status deployment/demo
sleep 60
kubectl -n dev logs load --since=50s | sort | uniq -c
kubectl -n dev create deployment web --image=nginx:1.27 --replicas=2
kubectl -n dev expose deployment web --port=80
kubectl -n dev rollout status deployment/web
kubectl -n dev run web-load --image=busybox --restart=Never -- sh -c 'for i in $(seq 1 6); do wget -q -O /dev/null http://web/index.html; sleep 2; done; echo sent 6'
sleep 20
kubectl -n dev get pod web-load
kubectl -n dev logs web-load
kubectl -n dev logs -l app=web --prefix | grep -c 'GET /index.html'
kubeplay traffic -n dev
kubectl -n dev run slow --image=busybox --restart=Never -- sh -c 'while true; do wget -qO- -T 2 http://demo:81; date; sleep 1; done'
kubectl -n dev wait --for=condition=Ready pod/slow
sleep 10
kubectl -n dev logs slow --tail=4
kubectl -n dev scale deployment demo --replicas=0
sleep 5
kubectl -n dev logs load --tail=2
kubeplay traffic -A
