# kubeplay: --cluster kind-multi --seed 5
# Why a pod stays Pending: describe pod shows the scheduler's counts, kubeplay fit the
# verdict of every node with the numbers behind it.
kubectl apply -f - <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: hungry
spec:
  nodeSelector:
    disktype: ssd
  containers:
  - name: app
    image: nginx:1.27
    resources:
      requests:
        cpu: "6"
        memory: 20Gi
YAML
sleep 2
kubectl get pod hungry
kubectl describe pod hungry | sed -n '/^Events/,$p'
kubeplay fit hungry
kubectl label node kind-worker disktype=ssd
kubectl cordon kind-worker2
kubeplay fit hungry
kubeplay fit -n kube-system $(kubectl get pods -n kube-system -l k8s-app=kube-dns -o name | head -1)
kubeplay fit nope
kubeplay fit
