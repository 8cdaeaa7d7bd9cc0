# Written for eksgen's tests: a terraform-aws-eks v20 root module with the v20 karpenter submodule left at
# its defaults, a managed and a self-managed node group without metadata_options, and Pod Identity.
provider "aws" {
  region = "us-west-2"
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "20.37.2"

  cluster_name    = "karp20"
  cluster_version = "1.32"
  cluster_upgrade_policy = {
    support_type = "EXTENDED"
  }

  cluster_addons = {
    coredns                = {}
    eks-pod-identity-agent = {}
    kube-proxy             = {}
    vpc-cni                = {}
  }

  vpc_id     = "vpc-0fedcba9876543210"
  subnet_ids = ["subnet-0ccccccccccccccc1", "subnet-0ccccccccccccccc2"]

  eks_managed_node_groups = {
    system = {
      ami_type       = "AL2023_x86_64_STANDARD"
      instance_types = ["m6i.large"]
      min_size       = 2
      max_size       = 4
      desired_size   = 2
    }
  }

  self_managed_node_groups = {
    legacy = {
      instance_type = "m5.large"
      max_size      = 2
    }
  }

  node_security_group_tags = {
    "karpenter.sh/discovery" = "karp20"
  }
}

module "karpenter" {
  source  = "terraform-aws-modules/eks/aws//modules/karpenter"
  version = "20.37.2"

  cluster_name = module.eks.cluster_name

  node_iam_role_use_name_prefix = false
}

module "pod_identity_app" {
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "~> 1.0"

  name = "karp20-app"

  additional_policy_arns = {
    s3 = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
  }

  associations = {
    main = {
      cluster_name    = module.eks.cluster_name
      namespace       = "app"
      service_account = "app"
    }
  }
}
