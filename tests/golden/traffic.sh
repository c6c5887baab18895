# kubeplay: --cluster kind-multi --seed 16
# Requests between pods: curl and wget resolve names through the cluster DNS, kube-proxy
# sends each request to one ready endpoint of the Service (each with equal probability),
# a readiness failure takes a pod out of rotation until it passes again, and what nothing
# serves is refused in the client's words.
kubectl create namespace dev
kubectl -n dev create deployment demo --image=demo:1.0.0 --replicas=3
kubectl -n dev expose deployment demo --port=80
kubectl -n dev create deployment client --image=nginx
kubectl -n dev rollout status deployment/demo
kubectl -n dev rollout status deployment/client
kubectl -n dev get pods -l app=demo
kubectl -n dev exec deployment/client -- sh -c 'for i in 1 2 3 4 5 6 7 8 9; do curl -s http://demo; done'
kubectl -n dev exec deployment/client -- sh -c 'for i in 1 2 3 4 5 6 7 8 9; do curl -s http://demo; done' | sort | uniq -c
kubectl -n dev exec deployment/client -- curl -s http://demo.dev
kubectl -n dev exec deployment/client -- curl -s http://demo.dev.svc.cluster.local
kubectl -n dev exec deployment/client -- curl -sS http://demo.dev.svc.cluster.local:8080
kubectl -n dev exec deployment/client -- curl http://nothing-here
kubectl -n dev exec deployment/client -- curl -s -m 3 http://demo:81
kubectl run probe -n dev --image=busybox --restart=Never -- sleep 3600
kubectl -n dev wait --for=condition=Ready pod/probe
kubectl -n dev exec probe -- wget -qO- http://demo
kubectl -n dev exec probe -- sh -c 'wget -O- http://demo 2>&1'
kubectl -n dev exec probe -- wget http://demo
kubectl -n dev exec probe -- wget -qO- http://nothing-here
kubectl -n dev exec probe -- curl http://demo
kubectl -n dev create deployment web --image=nginx:1.27 --replicas=2
kubectl -n dev expose deployment web --port=80
kubectl -n dev rollout status deployment/web
kubectl -n dev exec probe -- sh -c 'for i in 1 2 3 4; do wget -q -O /dev/null http://web; done'
kubectl -n dev exec deployment/client -- curl -s -o /dev/null http://web/missing
# sorted: the real kubectl reads the pods' logs in Go map order, so its pod order varies
kubectl -n dev logs -l app=web --prefix | grep HTTP | sort
kubectl -n dev scale deployment demo --replicas=0
kubectl -n dev rollout status deployment/demo
kubectl -n dev exec deployment/client -- curl http://demo
kubectl -n dev exec probe -- wget -qO- http://demo
