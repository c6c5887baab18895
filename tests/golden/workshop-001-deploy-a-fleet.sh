# Commands of shared/workshop/001 ("Deploy a Fleet of Pods"), as a learner types them.
kubectl get ds
kubectl get ns
kubectl get daemonsets -n kube-system
kubectl get pods -n kube-system
kppod=$(kubectl get pods -n kube-system | grep kube-proxy | sed 's/ .*//')
echo $kppod
kubectl get pods $kppod -n kube-system
kubectl get pods $kppod -n kube-system -o yaml
kubectl get daemonset kube-proxy -n kube-system
kubectl get daemonset kube-proxy -n kube-system -o yaml
kubectl get deployments
kubectl get deployments -n kube-system
kubectl describe deployment/coredns -n kube-system
kubectl get pods coredns -n kube-system
kubectl get pods -n kube-system | grep coredns
