# A crashing container: the kubelet restarts it at once, then backs off 10 s, 20 s, 40 s,
# 1m20s, 2m40s and 5 min (the waiting message names the current back-off); describe shows
# the last state, logs --previous the last run; a container that ran for 10 minutes starts
# its back-off over.
kubectl run crash --image=busybox:1.36 -- sh -c "echo starting; sleep 2; echo failing; exit 3"
sleep 4
kubectl get pod crash
sleep 3
kubectl get pod crash
sleep 10
kubectl get pod crash
kubectl get pod crash -o jsonpath='{.status.containerStatuses[0].state.waiting.message}{"\n"}'
sleep 10
kubectl get pod crash -o jsonpath='{.status.containerStatuses[0].state.waiting.message}{"\n"}'
sleep 22
kubectl get pod crash -o jsonpath='{.status.containerStatuses[0].state.waiting.message}{"\n"}'
sleep 42
kubectl get pod crash -o jsonpath='{.status.containerStatuses[0].state.waiting.message}{"\n"}'
sleep 82
kubectl get pod crash -o jsonpath='{.status.containerStatuses[0].state.waiting.message}{"\n"}'
sleep 162
kubectl get pod crash -o jsonpath='{.status.containerStatuses[0].state.waiting.message}{"\n"}'
kubectl get pod crash
sleep 302
kubectl get pod crash
kubectl logs crash --previous
kubectl logs crash
kubectl describe pod crash | sed -n '/^Containers/,/^    Ready/p'
kubectl describe pod crash | sed -n '/^Events/,$p'
kubectl run slow --image=busybox:1.36 -- sh -c "sleep 660; exit 1"
sleep 665
kubectl get pod slow
sleep 665
kubectl get pod slow
