# kubeplay: --cluster kind-multi --seed 19
# `kubectl run -i`: kubectl waits for the pod to run, prints what its container writes until
# it stops, waits for a `Never` pod to complete and exits with its code; `--rm` deletes the
# pod at the end (before a failure's error). One-off clients this way call a Service.
kubectl create deployment demo --image=demo:1.0.0 --replicas=3
kubectl expose deployment demo --port=80
kubectl rollout status deployment/demo
kubectl run client --rm -i --image=busybox --restart=Never -- wget -qO- http://demo
kubectl run client --rm -i --image=curlimages/curl --restart=Never -- curl -s http://demo.default.svc.cluster.local
kubectl run client --rm -i --image=busybox --restart=Never -- sh -c 'for i in 1 2 3; do wget -qO- http://demo; sleep 1; done'
kubectl get pods -l run=client
kubectl run fails -i --image=busybox --restart=Never -- sh -c 'echo about to fail; exit 3'
echo "exit status $?"
kubectl get pod fails
kubectl run fails-rm -i --rm --image=busybox --restart=Never -- sh -c 'exit 4'
echo "exit status $?"
kubectl run missing --rm -i --image=busybox --restart=Never -- wget -qO- http://nothing-here
echo "exit status $?"
kubectl run no-rm --rm --image=busybox -- sleep 1
kubectl run dry -i --image=busybox --dry-run=client -- wget -qO- http://demo
