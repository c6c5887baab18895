# Simulated images: a tag that does not exist, a container that exits, a script with logs.
# The kubelet's pod worker retries a failed sync after 10-15 s; the image back-off starts
# at 10 s and doubles (pkg/kubelet/images/image_manager.go, pod_workers.go).
kubectl create deployment typo --image=nginx:1.161
sleep 5
kubectl get pods
sleep 30
kubectl get pods
kubectl describe pod -l app=typo | tail -8
kubectl run once --image=busybox:1.36 --restart=Never -- sh -c "echo starting; sleep 5; echo done"
sleep 3
kubectl get pod once
kubectl logs once
sleep 10
kubectl get pod once
kubectl logs once
kubectl run crash --image=busybox:1.36 -- sh -c "echo boom; exit 1"
sleep 45
kubectl get pod crash
kubectl logs crash
kubectl logs crash --previous
kubectl run ticker --image=busybox:1.36 -- sh -c "while true; do echo tick; sleep 10; done"
sleep 35
kubectl logs ticker
kubectl logs ticker --tail=2
kubectl exec ticker -- hostname
kubectl exec ticker -- curl http://localhost
kubectl delete pod ticker --grace-period=1
kubectl get pods
