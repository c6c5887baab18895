# A typo in an image name or tag fails to pull as on a real cluster (issue 10.6): ErrImagePull,
# then ImagePullBackOff with the kubelet's back-off, and the registry's own words.
# Docker Hub answers a repository that does not exist like a private one: containerd's
# "pull access denied ... insufficient_scope", which the CRI client passes on without its
# `rpc error: code = Unknown` prefix (pullImageV1 in k8s.io/cri-client remote_image.go,
# v1.33); a tag that does not exist is a NotFound (kept as `rpc error: code = NotFound`).
# The kubelet's side: EnsureImageExists and evalCRIPullErr in pkg/kubelet/images/image_manager.go.
cat <<'EOF2' | kubectl apply -f -
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: ngnix:latest
EOF2
sleep 5
kubectl get pods
sleep 30
kubectl get pods
kubectl describe pods -l app=web | sed -n '/^Containers:/,/^    Ready:/p'
kubectl describe pods -l app=web | tail -7
kubectl logs deployment/web
# The right repository, a tag that does not exist.
kubectl set image deployment/web nginx=nginx:1.161
sleep 5
kubectl get pods
kubectl get events --field-selector reason=Failed | grep 1.161
# A real tag.
kubectl set image deployment/web nginx=nginx:1.27
kubectl rollout status deployment/web
kubectl get pods
# Images kubeplay cannot know: a registry of your own is assumed to hold what you ask
# for; a Docker Hub repository outside the catalogue only with imagePullSecrets (a
# private repository), else it fails like a typo.
kubectl run mine --image=registry.example.com/team/app:1.0
kubectl run theirs --image=someone/app:1.0
cat <<'EOF2' | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: private
spec:
  imagePullSecrets:
  - name: regcred
  containers:
  - name: app
    image: someone/app:1.0
EOF2
sleep 10
kubectl get pods mine theirs private
