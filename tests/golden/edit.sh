# kubeplay: --seed 55
# `kubectl edit` as scripts and CI run it: KUBE_EDITOR (or EDITOR) is a command that
# edits the file kubectl writes, here `sed -i`.
kubectl create deployment web --image=nginx:1.27 --replicas=2
kubectl rollout status deployment/web
KUBE_EDITOR="sed -i 's/replicas: 2/replicas: 4/'" kubectl edit deployment/web
kubectl get deployment web
# An editor that changes nothing cancels the edit.
KUBE_EDITOR=true kubectl edit deployment web
# EDITOR is used when KUBE_EDITOR is not set; -n picks the namespace.
kubectl create namespace dev
kubectl create configmap settings -n dev --from-literal=mode=test
export EDITOR="sed -i 's/mode: test/mode: prod/'"
kubectl edit -n dev configmap/settings
kubectl get configmap settings -n dev -o jsonpath='{.data.mode}{"\n"}'
unset EDITOR
# The file kubectl opens: its header, then the object.
KUBE_EDITOR="sed -n '1,6p'" kubectl edit deployment/web
# An invalid edit is reopened with the server's reasons; when the editor changes nothing
# more, kubectl gives up and keeps a copy.
KUBE_EDITOR="sed -i 's/replicas: 4/replicas: -1/'" kubectl edit deployment/web
echo "exit status: $?"
ls /tmp
copy=/tmp/$(ls /tmp)
head -8 $copy
# Syntax errors, an emptied file, and a renamed object.
KUBE_EDITOR="sed -i 's/^spec:$/spec: [/'" kubectl edit deployment/web
grep 'syntax error' $copy
KUBE_EDITOR="sed -i '/^[a-z]/,\$d'" kubectl edit deployment/web
KUBE_EDITOR="sed -i 's/^  name: web/  name: other/'" kubectl edit deployment/web
kubectl edit deployment/web
kubectl edit deployment/nope
kubectl rollout status deployment/web
kubectl get pods
